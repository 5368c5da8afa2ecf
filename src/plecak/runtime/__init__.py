"""What the three services share at run time: the aiohttp toolkit (problem details,
body limits, security headers), Redis storage and the embedded Redis (single node and cluster), QR codes.

It builds on :mod:`plecak.core` and never imports a service."""
