// three.js loaders (npm three) in plain node: `bvh <file>` prints joints (bones without End Site
// bones), frames and duration; `glb|fbx <file>` prints animations, duration, bones, tracks.
import fs from 'fs';
globalThis.self = globalThis;
const [kind, file] = process.argv.slice(2);
if (kind === 'bvh') {
  const { BVHLoader } = await import('three/examples/jsm/loaders/BVHLoader.js');
  const r = new BVHLoader().parse(fs.readFileSync(file, 'utf8'));
  const joints = r.skeleton.bones.filter(b => !b.name.startsWith('ENDSITE')).length;
  console.log(JSON.stringify({bones: r.skeleton.bones.length, joints, root: r.skeleton.bones[0].name,
    frames: r.clip.tracks[0].times.length, duration: r.clip.duration, tracks: r.clip.tracks.length}));
} else if (kind === 'fbx') {
  const { FBXLoader } = await import('three/examples/jsm/loaders/FBXLoader.js');
  const b = fs.readFileSync(file);
  const g = new FBXLoader().parse(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength), '');
  let bones = 0, meshes = 0;
  g.traverse(o => { if (o.isBone) bones++; if (o.isSkinnedMesh) meshes++; });
  const a = g.animations[0];
  console.log(JSON.stringify({animations: g.animations.length, duration: a ? a.duration : 0,
    tracks: a ? a.tracks.length : 0, bones, skinned_meshes: meshes}));
} else {
  const { GLTFLoader } = await import('three/examples/jsm/loaders/GLTFLoader.js');
  const b = fs.readFileSync(file);
  new GLTFLoader().parse(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength), '', g => {
    let bones = 0, meshes = 0;
    g.scene.traverse(o => { if (o.isSkinnedMesh) { bones = o.skeleton.bones.length; meshes++; } });
    const a = g.animations[0];
    console.log(JSON.stringify({animations: g.animations.length, duration: a ? a.duration : 0,
      tracks: a ? a.tracks.length : 0, bones, skinned_meshes: meshes,
      extras: g.asset && g.asset.extras ? Object.keys(g.asset.extras) : []}));
  }, e => { console.error(String(e)); process.exit(1); });
}
