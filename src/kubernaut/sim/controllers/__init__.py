"""The simulator's built-in controllers: what kube-controller-manager, the scheduler and kubelet do."""
