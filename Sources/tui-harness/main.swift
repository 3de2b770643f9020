print("tui-harness")
