from micollab_svc.bootstrap import main

main()
