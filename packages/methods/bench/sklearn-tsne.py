"""scikit-learn's t-SNE on a float32 matrix (the peer of tsne-bench.ts --sklearn).

  python3 sklearn-tsne.py data.f32 rows cols method iterations threads [seed [embedding.f32]]
prints JSON: wall and CPU seconds of fit_transform and the final KL divergence
(scikit-learn's own estimate); with embedding.f32, writes the embedding there
as float32 [rows, 2]. seed is random_state (default 0).
"""
import json, sys, time
import numpy as np
from sklearn.manifold import TSNE

path, rows, cols, method, iterations, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
seed = int(sys.argv[7]) if len(sys.argv) > 7 else 0
out = sys.argv[8] if len(sys.argv) > 8 else None
x = np.fromfile(path, dtype=np.float32).reshape(rows, cols).astype(np.float64)
model = TSNE(n_components=2, perplexity=30, n_iter=iterations, init='pca', learning_rate='auto', method=method, angle=0.5, random_state=seed, n_jobs=threads)
c0, t0 = time.process_time(), time.perf_counter()
y = model.fit_transform(x)
seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
if out:
    np.ascontiguousarray(y, dtype=np.float32).tofile(out)
print(json.dumps({'seconds': seconds, 'cpu_seconds': cpu, 'kl': float(model.kl_divergence_), 'iterations': int(model.n_iter_) + 1}))
