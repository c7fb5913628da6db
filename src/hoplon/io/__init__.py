"""Files the tool writes: the results store and atomic, refusing-to-clobber outputs."""
