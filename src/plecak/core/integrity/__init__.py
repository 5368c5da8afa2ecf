"""Data Integrity proofs (:mod:`.proofs`) and one module per cryptosuite:
``eddsa-rdfc-2022`` and ``Ed25519Signature2020`` (:mod:`.suites`, which also holds the registry),
``eddsa-jcs-2022``/``ecdsa-rdfc-2019``/``ecdsa-jcs-2019`` (:mod:`.jcs_ecdsa`) and the selective-disclosure
suite ``ecdsa-sd-2023`` (:mod:`.ecdsa_sd` on :mod:`.sd_primitives`).

Importing this package registers every suite, so :func:`.proofs.add_proof` and
:func:`.proofs.verify_proofs` find each one by name and by proof type. The suite modules import
the registry in :mod:`.suites`; it never imports them (no import cycle).
"""

from plecak.core.integrity import ecdsa_sd, jcs_ecdsa
from plecak.core.integrity.suites import register_suite

register_suite(jcs_ecdsa.EddsaJcs2022())
register_suite(jcs_ecdsa.EcdsaRdfc2019())
register_suite(jcs_ecdsa.EcdsaJcs2019())
register_suite(ecdsa_sd.EcdsaSd2023())
