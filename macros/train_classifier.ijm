// Train a DuoDistill classifier on a folder with one sub-folder per class.
//
// Headless, from a terminal:
//   ImageJ-linux64 --headless -macro train_classifier.ijm "/data/slices,/models/orientation"
// The two arguments (comma-separated, so paths may contain spaces) are the data folder and the model folder to create.
//
// The teacher is a pretrained timm ResNet-18 from the Hugging Face Hub (47 MB, downloaded once into the
// Hugging Face cache, ~/.cache/huggingface/hub, shared with Python) and the student its catalogue pair.
// Plugins > DuoDistill > Pretrained Teachers lists the other pairs; teacher=auto trains a teacher here first
// (slower, and it passes little on), teacher=[/path/teacher.safetensors] imports a checkpoint.
// Without network: fill the cache once, then run with -DHF_HUB_OFFLINE=1 (see docs/fiji.md).

args = split(getArgument(), ",");
if (args.length < 2) exit("usage: <data folder> <model folder>");
data = args[0];
model = args[1];

run("Train Classifier...", "data=[" + data + "] output=[" + model + "] method=dual-skd teacher=hf-hub:timm/resnet18.a1_in1k student_arch=resnet10-w32 teacher_channels=sum size=64 epochs=30 batch=32 lr=0.001 seed=42 train_fraction=1 calibrate=temperature device=auto");
print("model written to " + model);
