// placeholder: the third-party verifier (written next)
