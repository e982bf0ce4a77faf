"""notify_svc: welcome mail (R26), billing-change mail (R27) and the mail templates they are rendered from."""
