"""The reference for cold start: a bare Textual app that draws one line; prints when it is drawn."""

import os
import time

from textual.app import App, ComposeResult
from textual.widgets import Static


class Bare(App):
    def compose(self) -> ComposeResult:
        yield Static("Hello")

    def on_mount(self) -> None:
        self.call_after_refresh(self.drawn)

    def drawn(self) -> None:
        os.write(1, f"{time.time()}\n".encode())  # fd 1: Textual holds sys.stdout while running
        self.exit()


if __name__ == "__main__":
    Bare().run(headless=True)
