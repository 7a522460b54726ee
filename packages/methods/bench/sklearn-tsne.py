"""scikit-learn's t-SNE on a float32 matrix (the peer of tsne-bench.ts --sklearn).

  python3 sklearn-tsne.py data.f32 rows cols method iterations threads
prints JSON: wall and CPU seconds of fit_transform and the final KL divergence.
"""
import json, sys, time
import numpy as np
from sklearn.manifold import TSNE

path, rows, cols, method, iterations, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
x = np.fromfile(path, dtype=np.float32).reshape(rows, cols).astype(np.float64)
model = TSNE(n_components=2, perplexity=30, n_iter=iterations, init='pca', learning_rate='auto', method=method, angle=0.5, random_state=0, n_jobs=threads)
c0, t0 = time.process_time(), time.perf_counter()
model.fit_transform(x)
print(json.dumps({'seconds': time.perf_counter() - t0, 'cpu_seconds': time.process_time() - c0, 'kl': float(model.kl_divergence_)}))
