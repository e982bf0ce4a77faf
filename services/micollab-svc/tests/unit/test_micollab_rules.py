import pytest

from micollab_svc.domain.gates import gate_violations
from micollab_svc.domain.plan import plan_tenant
from micollab_svc.domain.versions import InvalidVersion, at_least, parse_version
from mmp_contracts.customer_spec import BundleAllocation, CustomerSpec
from mmp_contracts.events import MiCollabTarget

pytestmark = pytest.mark.unit


def target(version: str = "9.8.0.0", rest_api_scripts: bool = True, mivb_version: str = "10.1.0.0") -> MiCollabTarget:
    return MiCollabTarget(
        url="http://micollab", version=version, rest_api_scripts=rest_api_scripts, mivb_version=mivb_version
    )


def bundle(bundle_id: str = "entry-ucc", **options: bool) -> BundleAllocation:
    return BundleAllocation(bundle_id=bundle_id, quantity=5, **options)


def rules(bundles: list[BundleAllocation], on: MiCollabTarget) -> list[tuple[str, str]]:
    return [(v.field, v.rule) for v in gate_violations(bundles, on)]


def test_versions_compare_number_by_number() -> None:
    assert parse_version("9.10") > parse_version("9.9.9.9")
    assert parse_version("9.2") == parse_version("9.2.0.0")
    assert parse_version("9.4.0.9") > parse_version("9.4")
    assert parse_version("9.8.0.14 SP1") == (9, 8, 0, 14)
    assert at_least("10.0", "9.4.0.9")
    with pytest.raises(InvalidVersion):
        parse_version("latest")


def test_r16_miteam_meetings_needs_micollab_9_2() -> None:
    bundles = [bundle("standard-ipt"), bundle(miteam_meetings=True)]

    assert rules(bundles, target("9.1.0.0")) == [("service_bundles[1].miteam_meetings", "R16")]
    assert rules(bundles, target("9.2")) == []
    assert rules(bundles, target("9.10.0.0")) == []
    assert rules([bundle("standard-ipt")], target("9.1.0.0")) == []  # only bundles with MiTeam fail
    message = gate_violations(bundles, target("9.1.0.0"))[0].message
    assert "entry-ucc" in message
    assert "9.2" in message
    assert "9.1.0.0" in message


def test_r17_fetch_npm_awv_ports_needs_micollab_9_4_0_9() -> None:
    bundles = [bundle(fetch_npm_awv_ports=True)]

    assert rules(bundles, target("9.4.0.8")) == [("service_bundles[0].fetch_npm_awv_ports", "R17")]
    assert rules(bundles, target("9.4")) == [("service_bundles[0].fetch_npm_awv_ports", "R17")]
    assert rules(bundles, target("9.4.0.9")) == []
    assert rules(bundles, target("9.4.1")) == []


def test_r18_mobile_and_single_line_device_need_rest_api_scripts_on_8_0_or_older() -> None:
    bundles = [bundle("mobile"), bundle("single-line-device"), bundle("standard-ipt")]
    old = {"version": "8.0.0.0", "mivb_version": "8.0"}

    assert rules(bundles, target(**old, rest_api_scripts=False)) == [
        ("service_bundles[0].bundle_id", "R18"),
        ("service_bundles[1].bundle_id", "R18"),
    ]
    assert rules(bundles, target(**old, rest_api_scripts=True)) == []
    # DOMAIN.md: withheld only when MiCollab AND MiVB are both 8.0 or older.
    assert rules(bundles, target("8.0.1", rest_api_scripts=False, mivb_version="7.2")) == []
    assert rules(bundles, target("7.3", rest_api_scripts=False, mivb_version="9.0")) == []


def test_an_unreadable_version_opens_no_gate() -> None:
    bundles = [bundle(miteam_meetings=True, fetch_npm_awv_ports=True)]

    assert [rule for _, rule in rules(bundles, target("unknown"))] == ["R16", "R17"]


def test_the_plan_carries_bundle_options_and_no_password() -> None:
    spec = CustomerSpec.model_validate(
        {
            "details": {"name": "Acme", "webid": "acme", "contact_email": "it@acme.example"},
            "platform": {"platform_group_id": "pg-1", "extension_length": 4, "dialing_privileges": "national"},
            "service_bundles": [{"bundle_id": "entry-ucc", "quantity": 5, "miteam_meetings": True}],
            "first_user": {"first_name": "Ann", "last_name": "Lee", "email": "ann@acme.example", "username": "alee"},
        }
    )

    plan = plan_tenant(spec)

    assert plan.tenant == {"name": "Acme", "webid": "acme"}
    assert plan.bundle_ids == ["entry-ucc"]
    assert plan.bundles[0][1]["quantity"] == 5
    assert plan.bundles[0][1]["miteam_meetings"] is True
    assert plan.username == "alee"
    assert plan.user == {"first_name": "Ann", "last_name": "Lee", "email": "ann@acme.example"}
