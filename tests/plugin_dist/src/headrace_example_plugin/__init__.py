"""An example headrace plugin: one block type and one CLI command."""
