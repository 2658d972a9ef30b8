"""The simulator's built-in controllers: kube-controller-manager, scheduler and kubelet."""
