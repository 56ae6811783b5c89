"""Pilot (session 58): would the final filter gain from taps of its own on the residual?

The final filter (spec section 4.8) runs on the decode after the DCT residual, one set of taps on the sum. This fits,
by least squares in float (no int8 rounding, no bytes counted), 4 activity classes of second-difference taps of radius 2
on the decode alone, and on the decode plus the residual (or the field) as a second input, to the source.

    node dist/bench/post-fit-pilot.js kodimNN.png file.snf '{"dump":"/tmp/d58-NAME"}'
    python3 bench/two-input-filter-pilot.py /tmp/d58-NAME ...
"""
import numpy as np, sys
H,W=512,768
def load(p):
    s=np.fromfile(p+'-source.u8',np.uint8).reshape(H,W,3).astype(np.float64)
    b=np.fromfile(p+'-base.f32',np.float32).reshape(H,W,3).astype(np.float64)
    c=np.fromfile(p+'-corrected.f32',np.float32).reshape(H,W,3).astype(np.float64)
    # field values are in [-1,1] for 0..255
    b=(b+1)/2*255; c=(c+1)/2*255
    return s,b,c
taps=[(0,1),(0,2),(1,-1),(1,0),(1,1),(2,0)]
def sh(x,dy,dx):
    return np.pad(x,((2,2),(2,2)),mode='edge')[2+dy:2+dy+H,2+dx:2+dx+W]
def feats(x,t=taps):
    return [sh(x,dy,dx)+sh(x,-dy,-dx)-2*x for dy,dx in t]
def psnr(s,x):
    x=np.clip(np.round(x),0,255); return 10*np.log10(255**2/np.mean((s-x)**2))
def classes(c,K):
    L=0.299*c[...,0]+0.587*c[...,1]+0.114*c[...,2]
    a=np.abs(sh(L,0,1)+sh(L,0,-1)+sh(L,1,0)+sh(L,-1,0)-4*L)
    # 3x3 box
    a=sum(sh(a,dy,dx) for dy in (-1,0,1) for dx in (-1,0,1))
    q=np.quantile(a,[k/K for k in range(1,K)])
    return np.searchsorted(q,a)
def fit(s,c,extra,cls,K):
    out=c.copy()
    for ch in range(3):
        F=feats(c[...,ch])+[f for e in extra for f in feats(e[...,ch])]
        X=np.stack([f.ravel() for f in F],1); y=(s[...,ch]-c[...,ch]).ravel(); k=cls.ravel()
        for j in range(K):
            m=k==j
            w=np.linalg.lstsq(X[m],y[m],rcond=None)[0]
            o=out[...,ch].ravel(); o[m]+=X[m]@w; out[...,ch]=o.reshape(H,W)
    return out
for p in sys.argv[1:]:
    s,b,c=load(p); r=c-b
    cls=classes(c,4)
    base=psnr(s,c)
    one=psnr(s,fit(s,c,[],cls,4))
    two=psnr(s,fit(s,c,[r],cls,4))
    twob=psnr(s,fit(s,c,[b],cls,4))
    print(p, 'decode %.3f single %+.3f two(res) %+.3f two(base) %+.3f'%(base,one-base,two-base,twob-base))
