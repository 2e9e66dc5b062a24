// Compare the training methods on one labelled dataset (the study of `duodistill study`).
//
// Headless, from a terminal:
//   ImageJ-linux64 --headless -macro compare_methods.ijm "/data/slices,/studies/orientation"
// The two arguments (comma-separated) are the data folder and the study folder. Each finished run is
// appended to study.csv there at once; running the macro again skips the runs already recorded, so an
// interrupted study continues. study-summary.md and study.png are written over every row of study.csv.

args = split(getArgument(), ",");
if (args.length < 2) exit("usage: <data folder> <study folder>");
run("Compare Methods...", "data=[" + args[0] + "] output=[" + args[1] + "] methods=random,single-ws,kd,dual-skd,teacher fractions=0.1,0.25,1 seeds=1,2,3 size=64 epochs=30 teacher=hf-hub:timm/resnet18.a1_in1k device=auto plane=axial");
print("study written to " + args[1]);
