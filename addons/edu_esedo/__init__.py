# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Exchange of documents with state bodies through ЕСЭДО (R21, R22.5):
SOAP adapter, queue with retries, verification on arrival.

``esedo.wsdl`` (with ``esedo.xsd``) is our adapter's contract, SOAP 1.1
document/literal, modelled on ЕСЭДО's exchange: ``SendDocument`` (an
envelope: message id, sender and recipient participant codes,
registration number and date, kind, summary, files, CMS signatures) →
receipt id; ``GetDocuments`` (participant code, since) → envelopes and the
receipts of the messages sent; ``Acknowledge`` (message id, received |
rejected, reason).  The real ЕСЭДО schema is obtained on connection: the
adapter's mapping is one file to adapt (``envelope.py``), the client
(``client.py``, zeep with the WSDL read from the local file) and the
models do not change.  ``simulator.py`` is a local SOAP server of the same
contract for the tests and the demo (``scripts/esedo_simulator.py``).

The classes are registered by tryton.cfg."""
