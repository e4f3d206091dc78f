// Starts the page (a file of its own: the Content-Security-Policy allows no inline script).
Spinscan.initForm();
SpinscanCorpus.init();
SpinscanCompare.init();
