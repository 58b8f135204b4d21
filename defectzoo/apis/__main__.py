"""``python -m defectzoo.apis list | fetch NAME... | verify FILE...``: the
model zoo from the command line (e.g. to check a file ``mim download``
fetched: mim checks no hash)."""
from defectzoo.utils.zoo import main

main()
