"""Charts of the training figures: their data (`data`), shared by the pages, which draw them
in the browser, and the command line, which draws them as SVG or PNG (`drawing`)."""
