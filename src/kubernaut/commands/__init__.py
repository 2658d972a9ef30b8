"""Implementations of the `kubernaut` sub-commands (the CLI module only parses options)."""
