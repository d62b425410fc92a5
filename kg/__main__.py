from kg.entry import main

main()
