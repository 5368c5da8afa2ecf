"""Selective disclosure in the wallet: the elements the learner chooses to share (:mod:`.selective`, over
:mod:`plecak.core.disclosure`'s format adapters) and deriving a disclosure on request (:mod:`.derive`)."""
