"""rolesim's cold start: `rolesim run` headless, notice accepted at once, until the first customer message is drawn."""

import os
import sys
import time

from simulator.cli import build_parser
from simulator.ui.app import prepare_candidate_app

if __name__ == "__main__":
    scenarios, db = sys.argv[1], sys.argv[2]
    args = build_parser().parse_args(["run", "--scenario", "late-parcel", "--candidate", "Bench", "--db", db, "--scenarios", scenarios, "--seed", "1"])
    app = prepare_candidate_app(args, auto_consent=True, exit_after_first_message=True)
    app.run(headless=True)
    # The app exits right after the frame with the first customer message; it noted when that was.
    if app.first_message_at is None:
        sys.exit("the first customer message was never drawn")
    os.write(1, f"{app.first_message_at}\n".encode())
    app.session.close()
