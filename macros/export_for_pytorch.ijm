// Export a DuoDistill model folder as one .safetensors file that PyTorch loads with load_state_dict(strict=True).
//
// Headless, from a terminal:
//   ImageJ-linux64 --headless -macro export_for_pytorch.ijm "/models/orientation,/exports/orientation.safetensors"
// The two arguments (comma-separated) are the model folder and the file to write; an existing file is kept
// unless "overwrite" is added to the options. docs/export.md shows the Python side.

args = split(getArgument(), ",");
if (args.length < 2) exit("usage: <model folder> <file.safetensors>");
run("Export for PyTorch...", "model=[" + args[0] + "] output=[" + args[1] + "]");
print("exported to " + args[1]);
