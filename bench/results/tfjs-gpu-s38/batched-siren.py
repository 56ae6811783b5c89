# How fast could a GPU engine be that trains all of a photo's tile networks at once? A feasibility bound for
# issue 10's "GPU engine", beside the tfjs-webgpu measurement (run.sh): the 16 networks of kodim07 at 0.5 bpp
# (26 Fourier inputs, 3 sine layers of the file's widths padded to 32, 3 outputs, ω 30), one Adam step on a
# batch of B pixels of every tile at once (torch.bmm), eager PyTorch and the same step replayed as a CUDA
# graph. Timing only: random inputs and targets; each run checks that the loss falls.
#   python3 batched-siren.py          (PyTorch with CUDA; prints one line per setting)
import time, torch
torch.manual_seed(0)
dev = 'cuda'
TILES, INPUTS, WIDTH, OUT, OMEGA, TILE_PIXELS = 16, 26, 32, 3, 30.0, 192 * 128
print(f'# {torch.cuda.get_device_name(0)}, torch {torch.__version__}')

def make(batch):
    dims = [INPUTS, WIDTH, WIDTH, WIDTH, OUT]
    params = []
    for l in range(4):
        bound = 1 / dims[l] if l == 0 else (6 / dims[l]) ** 0.5 / OMEGA
        params.append(((torch.rand(TILES, dims[l], dims[l + 1], device=dev) * 2 - 1) * bound).requires_grad_())
        params.append(((torch.rand(TILES, 1, dims[l + 1], device=dev) * 2 - 1) / dims[l] ** 0.5).requires_grad_())
    x = torch.rand(TILES, batch, INPUTS, device=dev) * 2 - 1
    t = torch.sin(3 * x[:, :, :OUT]) * 0.5
    return params, x, t

def loss_of(params, x, t):
    h = x
    for l in range(4):
        z = torch.baddbmm(params[2 * l + 1], h, params[2 * l])
        h = torch.sin(OMEGA * z) if l < 3 else z
    return ((h - t) ** 2).mean()

def run(batch, graph, seconds=3.0):
    params, x, t = make(batch)
    opt = torch.optim.Adam(params, lr=1e-3, capturable=graph)
    def step():
        opt.zero_grad(set_to_none=False)
        loss = loss_of(params, x, t)
        loss.backward()
        opt.step()
        return loss
    first = step().item()
    if graph:
        s = torch.cuda.Stream(); s.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(s):
            for _ in range(3): step()
        torch.cuda.current_stream().wait_stream(s)
        g = torch.cuda.CUDAGraph()
        with torch.cuda.graph(g): out = step()
        go = g.replay
    else:
        go = step
    for _ in range(20): go()
    torch.cuda.synchronize()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(50): go()
        torch.cuda.synchronize(); n += 50
    ms = (time.perf_counter() - start) * 1000 / n
    last = (out if graph else loss_of(params, x, t)).item()
    assert last < first, (first, last)
    steps_per_pass = -(-TILE_PIXELS // batch)
    print(f'{"graph" if graph else "eager"} batch {batch:6d}: {ms:.3f} ms a step of all {TILES} tiles; '
          f'1,800 passes ({steps_per_pass} steps each) {1800 * steps_per_pass * ms / 1000:.1f} s; loss {first:.4f} -> {last:.4f}')

for batch in (1536, TILE_PIXELS):
    for graph in (False, True):
        try: run(batch, graph)
        except Exception as e: print(f'{"graph" if graph else "eager"} batch {batch}: failed: {type(e).__name__}: {str(e).splitlines()[0]}')
