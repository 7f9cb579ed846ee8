"""The translator workbench: a local web app over the term base (`termalign serve`)."""
