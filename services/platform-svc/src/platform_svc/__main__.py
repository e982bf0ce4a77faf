from platform_svc.bootstrap import main

main()
