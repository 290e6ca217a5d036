"""Tools > Team settings…: the TAK server, TLS and the client certificate, the callsign.

The certificate's password is asked here and kept in the keyring (or a 0600
file where there is none): never in team.json, the database or the log.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from sitrep_desktop.services.team.mesh import MESH_GROUP, MESH_PORT
from sitrep_desktop.services.team.settings import CERT_PASSWORD, TeamSettings


class TeamSettingsDialog(QDialog):
    def __init__(self, settings: TeamSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Team settings")
        self.base = settings
        form = QFormLayout(self)
        self.host = QLineEdit(settings.host)
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(settings.port)
        self.callsign = QLineEdit(settings.callsign)
        self.callsign.setToolTip("Unique on the server: a second client with it is ignored")
        self.tls = QCheckBox("Use TLS with a client certificate")
        self.tls.setChecked(settings.tls)
        self.cert_file = self._file_row(
            settings.cert_file, "Certificates (*.p12 *.pfx *.pem *.crt)"
        )
        self.key_file = self._file_row(settings.key_file, "Keys (*.pem *.key)")
        self.ca_file = self._file_row(settings.ca_file, "CA certificates (*.pem *.crt)")
        self.server_name = QLineEdit(settings.server_name)
        self.server_name.setPlaceholderText("the name in the server's certificate, if not the host")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("unchanged")
        self.enabled = QCheckBox("Connect when a database is opened")
        self.enabled.setChecked(settings.enabled)
        # ATAK's mesh SA: the only time the app listens on a port, so off by default.
        self.mesh = QCheckBox(f"Mesh (multicast {MESH_GROUP}:{MESH_PORT})")
        self.mesh.setChecked(settings.mesh)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        form.addRow("Server host", self.host)
        form.addRow("Port", self.port)
        form.addRow("Callsign", self.callsign)
        form.addRow("Client id", QLabel(settings.client_id))
        form.addRow("", self.tls)
        form.addRow("Client certificate", self.cert_file.parentWidget())
        form.addRow("Key (PEM only)", self.key_file.parentWidget())
        form.addRow("Server CA", self.ca_file.parentWidget())
        form.addRow("Server name", self.server_name)
        form.addRow(f"{CERT_PASSWORD.capitalize()}", self.password)
        form.addRow("", self.enabled)
        form.addRow("", self.mesh)
        form.addRow(self.problems)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept_if_valid)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _file_row(self, value: str, pattern: str) -> QLineEdit:
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        line = QLineEdit(value, row)
        browse = QPushButton("…", row)
        browse.clicked.connect(lambda: self._browse(line, pattern))
        layout.addWidget(line)
        layout.addWidget(browse)
        return line

    def _browse(self, line: QLineEdit, pattern: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a file", line.text(), pattern)
        if path:
            line.setText(path)

    def settings(self) -> TeamSettings:
        return dataclasses.replace(
            self.base,
            host=self.host.text().strip(),
            port=self.port.value(),
            callsign=self.callsign.text().strip(),
            tls=self.tls.isChecked(),
            cert_file=self.cert_file.text().strip(),
            key_file=self.key_file.text().strip(),
            ca_file=self.ca_file.text().strip(),
            server_name=self.server_name.text().strip(),
            enabled=self.enabled.isChecked(),
            mesh=self.mesh.isChecked(),
        )

    def new_password(self) -> str | None:
        """The password typed, or None to keep the saved one."""
        return self.password.text() or None

    def _accept_if_valid(self) -> None:
        problems = self.settings().problems()
        if problems:
            self.problems.setText("Cannot connect yet: " + "; ".join(problems) + ".")
            return
        self.accept()
