"""The desk's network pages (eTOM 1.4.6 on the desk): the live alarm list, the trouble
report queue and page, and the links between customer problems and trouble reports."""
