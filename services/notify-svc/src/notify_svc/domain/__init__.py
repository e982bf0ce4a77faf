"""The pure rules of notify-svc: templates, set-password links, the welcome mail. No I/O."""
