"""What runs a build: the session kept between builds, the manifest of inputs and outputs,
the staging folder and swap, the file watcher and the stage timings."""
