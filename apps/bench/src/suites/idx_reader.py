# Shared by the PyTorch peers (prepended to each script by peerScript in pytorch.ts).
def read_idx(path):
    """An IDX file (raw or gzip) as a numpy uint8 array shaped by its header."""
    # Imported here: the peers set thread counts before numpy/torch load OpenBLAS.
    import gzip
    import numpy as np
    raw = open(path, 'rb').read()
    if raw[:2] == b'\x1f\x8b':
        raw = gzip.decompress(raw)
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], 'big') for i in range(rank)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


