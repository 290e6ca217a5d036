"""Qt-free services used by both the command line and the window.

What the map shows at a time (situation), the one import/export path (exchange),
snapshot requests and the demo builder. Services use commands, the store and io;
they never import Qt.
"""
