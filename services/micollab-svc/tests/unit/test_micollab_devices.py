"""R19: device types gated by the group's MiCollab and MiVB versions."""

import pytest

from micollab_svc.domain.devices import device_violations
from mmp_contracts.events import MiCollabTarget

pytestmark = pytest.mark.unit


def target(micollab: str, mivb: str) -> MiCollabTarget:
    return MiCollabTarget(url="http://m", version=micollab, rest_api_scripts=True, mivb_version=mivb)


@pytest.mark.parametrize("device", ["6930W", "6940L", "CloudLink Gateway"])
def test_r19_69xxw_69xxl_and_cloudlink_need_micollab_9_6_and_mivb_9_4(device: str) -> None:
    assert device_violations([device], target("9.6.0.0", "9.4")) == []
    [too_old_micollab] = device_violations(["6920", device], target("9.5.9", "10.1"))
    assert (too_old_micollab.field, too_old_micollab.rule) == ("hotdesk_devices[1]", "R19")
    assert device_violations([device], target("9.8", "9.3"))[0].rule == "R19"


@pytest.mark.parametrize("device", ["5617", "5619", "720"])
def test_r19_5617_5619_and_7xx_need_micollab_9_8(device: str) -> None:
    assert device_violations([device], target("9.8.0.0", "7.0")) == []
    assert device_violations([device], target("9.7", "10.1"))[0].rule == "R19"


def test_r19_other_devices_are_not_gated() -> None:
    assert device_violations(["6920", "6930", "5320"], target("8.0", "8.0")) == []
