"""notify_svc: welcome mail (R26) and the mail templates it is rendered from."""
