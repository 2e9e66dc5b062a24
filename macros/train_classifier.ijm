// Train a DuoDistill classifier on a folder with one sub-folder per class.
//
// Headless, from a terminal:
//   ImageJ-linux64 --headless -macro train_classifier.ijm "/data/slices,/models/orientation"
// The two arguments (comma-separated, so paths may contain spaces) are the data folder and the model folder to create.

args = split(getArgument(), ",");
if (args.length < 2) exit("usage: <data folder> <model folder>");
data = args[0];
model = args[1];

run("Train Classifier...", "data=[" + data + "] output=[" + model + "] method=dual-skd teacher=auto teacher_arch=resnet18 student_arch=resnet10-w32 size=64 epochs=30 batch=32 lr=0.001 seed=42 train_fraction=1 device=auto");
print("model written to " + model);
