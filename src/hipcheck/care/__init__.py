"""Care: the plan generator, pain diary, progress rules, return to run and HAGOS scoring (pure)."""
