# Blender (3.4, headless) client of the export tests:
#   blender -b --factory-startup --python blender_heads.py -- <bvh|glb|fbx> <file> <out.json>
#           [--scale S] [--fps F] [--render out.png --frame F]
# Imports the file into an empty scene at 30 fps (or --fps), then writes every bone's world head position for
# every frame of the armature's action (Blender's Z-up world, metres) as JSON:
#   {"fps", "frame_start", "frame_end", "bones": [names], "heads": [[[x, y, z] per bone] per frame]}
# Shims for Debian 12 (spec/platform.md §9): the BVH importer opens files with mode 'rU' (rejected
# by Python 3.11), the glTF importer uses np.bool (removed in numpy 1.24).
import builtins
import json
import math
import sys

import numpy as np

for _name, _type in (("bool", bool), ("int", int), ("float", float), ("object", object)):
    if not hasattr(np, _name):
        setattr(np, _name, _type)
_open = builtins.open


def _open_without_u(file, mode="r", *args, **kwargs):
    if isinstance(mode, str) and "U" in mode:
        mode = mode.replace("U", "")
    return _open(file, mode, *args, **kwargs)


builtins.open = _open_without_u

import bpy  # noqa: E402
from mathutils import Vector  # noqa: E402

argv = sys.argv[sys.argv.index("--") + 1:]
kind, path, out = argv[0], argv[1], argv[2]
options = {argv[i]: argv[i + 1] for i in range(3, len(argv) - 1, 2)}
scale = float(options.get("--scale", "1"))

bpy.ops.wm.read_factory_settings(use_empty=True)
scene = bpy.context.scene
scene.render.fps = int(options.get("--fps", "30"))  # the glTF importer keys at this rate
scene.render.fps_base = 1.0
if kind == "bvh":
    bpy.ops.import_anim.bvh(filepath=path, global_scale=scale, update_scene_fps=True,
                            update_scene_duration=True)
elif kind == "glb":
    bpy.ops.import_scene.gltf(filepath=path)
elif kind == "fbx":
    bpy.ops.import_scene.fbx(filepath=path, global_scale=scale)
else:
    raise SystemExit("unknown kind " + kind)

armatures = [o for o in scene.objects if o.type == "ARMATURE"]
if len(armatures) != 1:
    raise SystemExit("expected one armature, got %d" % len(armatures))
arm = armatures[0]
action = arm.animation_data.action if arm.animation_data else None
if action is None:
    raise SystemExit("the armature has no action")
start, end = (int(round(v)) for v in action.frame_range)
names = [b.name for b in arm.pose.bones]
heads = []
for frame in range(start, end + 1):
    scene.frame_set(frame)
    heads.append([list(arm.matrix_world @ b.head) for b in arm.pose.bones])
meshes = [o for o in scene.objects if o.type == "MESH"]


def evaluated_vertices(obj, frame):
    scene.frame_set(frame)
    evaluated = obj.evaluated_get(bpy.context.evaluated_depsgraph_get())
    mesh = evaluated.to_mesh()
    coords = [evaluated.matrix_world @ v.co for v in mesh.vertices]
    evaluated.to_mesh_clear()
    return coords


# How far the skinned mesh moves between the first and the middle frame (metres): > 0 proves the
# mannequin is bound to the armature and animated.
mesh_motion = 0.0
for m in meshes:
    a, b = evaluated_vertices(m, start), evaluated_vertices(m, (start + end) // 2)
    mesh_motion = max([mesh_motion] + [(p - q).length for p, q in zip(a, b)])
with _open(out, "w") as f:
    json.dump({"fps": scene.render.fps / scene.render.fps_base, "frame_start": start,
               "frame_end": end, "bones": names, "heads": heads,
               "meshes": [m.name for m in meshes], "mesh_motion_m": mesh_motion,
               "mesh_vertices": sum(len(m.data.vertices) for m in meshes),
               "custom_properties": sorted(set(k for o in list(scene.objects) + [scene]
                                               for k in o.keys()))}, f)

if "--render" in options:
    # A simple studio: floor, sun, camera framing the armature at the chosen frame (Cycles, CPU).
    scene.frame_set(int(options.get("--frame", start)))
    pts = [arm.matrix_world @ b.head for b in arm.pose.bones]
    centre = sum(pts, Vector()) / len(pts)
    bpy.ops.mesh.primitive_plane_add(size=20, location=(centre.x, centre.y, 0))
    floor_mat = bpy.data.materials.new("Floor")
    floor_mat.diffuse_color = (0.35, 0.37, 0.4, 1)
    floor_mat.use_nodes = True
    floor_mat.node_tree.nodes["Principled BSDF"].inputs["Base Color"].default_value = (0.12, 0.14, 0.18, 1)
    bpy.context.object.data.materials.append(floor_mat)
    bpy.ops.object.light_add(type="SUN", location=(0, 0, 10), rotation=(0.6, 0.2, 0.8))
    bpy.context.object.data.energy = 4
    cam_loc = Vector((centre.x + 3.2, centre.y - 4.6, 1.6))
    bpy.ops.object.camera_add(location=cam_loc)
    cam = bpy.context.object
    direction = Vector((centre.x, centre.y, 0.85)) - cam_loc
    cam.rotation_euler = direction.to_track_quat("-Z", "Y").to_euler()
    scene.camera = cam
    world = bpy.data.worlds.new("World")
    world.use_nodes = True
    world.node_tree.nodes["Background"].inputs["Color"].default_value = (0.75, 0.8, 0.9, 1)
    world.node_tree.nodes["Background"].inputs["Strength"].default_value = 0.8
    scene.world = world
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.samples = 32
    scene.cycles.use_denoising = False
    scene.render.film_transparent = False
    scene.render.resolution_x = 960
    scene.render.resolution_y = 720
    scene.render.filepath = options["--render"]
    bpy.ops.render.render(write_still=True)
