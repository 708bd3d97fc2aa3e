import fs from 'node:fs';
import { runFaceApiPeer } from './peers/face-api.js';
const idx = JSON.parse(fs.readFileSync('/tmp/dev/index.json','utf8'));
const imgs = idx.map((e:any)=>({file:e.file,width:e.w,height:e.h,pixels:fs.readFileSync(e.raw)}));
const chips = imgs.filter((i:any)=>i.file.includes('/johns/'));
const photos = imgs.filter((i:any)=>!i.file.includes('/johns/'));
const r = await runFaceApiPeer({chips, photos, runs: 1, batch: 16, log: console.log});
const {encodings, ...rest} = r; console.log(rest);
const lab = chips.map((c:any)=>c.file.split('/').at(-2));
let smax=0, dmin=9; for (let i=0;i<55;i++) for (let j=i+1;j<55;j++){let s=0;for(let k=0;k<128;k++){const d=encodings[i][k]-encodings[j][k];s+=d*d} s=Math.sqrt(s); if(lab[i]===lab[j]) smax=Math.max(smax,s); else dmin=Math.min(dmin,s);}
console.log({smax,dmin});
