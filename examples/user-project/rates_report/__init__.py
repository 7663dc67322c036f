"""A daily exchange-rate report built with headrace (the example project of the testing guide)."""
