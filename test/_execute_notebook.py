"""Executes a notebook headless with nbclient, as `jupyter execute` does, and writes the result.

Usage: python3 _execute_notebook.py NOTEBOOK WORKING_DIR OUT

Deno's Jupyter kernel may publish the last lines a cell printed just after it reported the cell
idle, where nbclient stops listening; a notebook front end shows them anyway. So after each cell
this listens a little longer (GRACE seconds of silence) for that cell's late messages.
"""

import queue
import sys

import nbclient
import nbformat
from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async

GRACE = 0.4


class PatientClient(nbclient.NotebookClient):
    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        await super()._async_poll_output_msg(parent_msg_id, cell, cell_index)
        while True:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=GRACE))
            except queue.Empty:
                return
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    pass


notebook, cwd, out = sys.argv[1:4]
nb = nbformat.read(notebook, as_version=4)
client = PatientClient(
    nb, kernel_name="deno", timeout=600, allow_errors=True, resources={"metadata": {"path": cwd}}
)
client.execute()
nbformat.write(nb, out)
