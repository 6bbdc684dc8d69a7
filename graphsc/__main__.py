from graphsc.cli import main

main()
