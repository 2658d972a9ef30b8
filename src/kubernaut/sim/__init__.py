"""An in-process Kubernetes API server with workload controllers, for tests, demos and evals."""
