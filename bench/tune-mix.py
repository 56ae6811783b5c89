"""A default between `balanced` and `psnr`, scored without an encode (session 58).

Since session 58 the two tunings fit the same networks and differ only in the residual, so a rule that gives some
photos `psnr`'s residual and the others `balanced`'s is exactly the mix of the two tables' entries. This writes that
mix as a bench folder; `snfc bench` over it measures nothing and writes its summary.

    python3 bench/tune-mix.py smooth-psnr /tmp/mix && npx snfc bench ../shared/data/kodak --limit 20 --bpp 0.25,0.5,1 --codecs snf,jpeg,webp --out /tmp/mix

Busy photos: detail >= 150 (BUSY_DETAIL), from regionDetail of each whole photo.
"""
import json, sys, copy
busy={'01','05','06','08','11','13','14','15','18','19','20'}
A=json.load(open('bench/results/final-filter-s57/results.json'))
B=json.load(open('bench/results/tune-psnr-s58/results.json'))
def snf(d): return {(x['image'][-6:-4], x['targetBpp']): x for x in d['entries'] if x['codec']=='snf'}
a=snf(A); b=snf(B)
rule=sys.argv[1]; out=sys.argv[2]
def pick(img,r):
    if rule=='smooth-psnr': return b if img not in busy else a
    if rule=='busy-psnr': return b if img in busy else a
    if rule=='low-psnr': return b if r<=0.25 else a
    if rule=='low-smooth': return b if (r<=0.25 or img not in busy) else a
    raise SystemExit('rule?')
d=copy.deepcopy(A); d.pop('summary',None)
ent=[x for x in d['entries'] if x['codec']!='snf']
for (img,r),x in a.items():
    src=pick(img,r)[(img,r)]
    y=dict(src); y['key']=x['key']; y['tune']=x.get('tune'); ent.append(y)
d['entries']=ent
import os; os.makedirs(out,exist_ok=True); json.dump(d,open(out+'/results.json','w'))
