"""The pure rules of notify-svc: templates, set-password links, the welcome and billing-change mails. No I/O."""
