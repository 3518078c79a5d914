from rep_tui.cli import main

main()
