from notify_svc.bootstrap import main

main()
