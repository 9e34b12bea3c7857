"""Every user-visible English text of ``core``, marked for translation (generated: do not edit).

Written by ``python -m scripts.make_core_texts``; ``tests/test_i18n.py`` checks it is current.
"""

from __future__ import annotations

from .i18n import N_

TEXTS = (
    N_("Gradient descent"),
    N_(
        "Step straight downhill, a fixed multiple of the gradient. On a long narrow valley the gradient points mostly across the valley, so the path zig-zags between the walls and crawls along the floor; too large a step and it bounces out entirely."
    ),
    N_("On the quadratic, raise lr above 0.5 and watch the steep y direction diverge (the limit is 2/L = 0.5)."),
    N_("Learning rate: how far each update moves."),
    N_("Pulls the point towards the origin each step (L2 penalty / weight decay)."),
    N_("Always 0 for gradient descent, unless a schedule cycles it (as torch does)."),
    N_("Climb the function instead of descending it (torch negates the gradient first)."),
    N_("Momentum (heavy ball)"),
    N_(
        "Keep a velocity: a running sum of past gradients. Components that keep pointing the same way (along the valley) add up and accelerate; components that flip sign (across the valley) partly cancel, so the path turns back across the valley less often."
    ),
    N_(
        "Set momentum to 0 to get plain gradient descent back, then raise it towards 0.95 and watch the path overshoot and spiral."
    ),
    N_("velocity v"),
    N_("Fraction of the previous velocity kept each step."),
    N_("Fraction of the new gradient that is damped out of the velocity."),
    N_("Nesterov momentum"),
    N_(
        "Momentum that looks ahead: the step uses the gradient plus the velocity it is about to apply, so it brakes earlier when the slope turns: after a swing across the valley it settles faster than heavy ball at the same momentum. The look-ahead also makes the first step (1 + μ) times as large, so it needs a smaller lr."
    ),
    N_(
        "Set lr to 0.4, Momentum's default: Nesterov's y coordinate diverges. Its look-ahead adds μ·v to the gradient, so at momentum 0.5 it is stable here only for lr < 0.375, heavy ball for lr < 0.75."
    ),
    N_("Must be 0 for Nesterov."),
    N_("Always on for this optimizer."),
    N_("Adagrad"),
    N_(
        "Give every coordinate its own step size: divide by the root of the sum of all its past squared gradients. Steep directions get small steps, flat ones large steps, so the valley looks round. But the sum only grows, so the steps keep shrinking and it can stall."
    ),
    N_(
        "At lr 0.4 Adagrad is still far from the minimum after 50 steps (f ≈ 7): each coordinate's step is lr divided by the root of its ever-growing sum of squared gradients. Raise lr to 2 and it reaches f − f* ≤ 1e-3 in 20 steps."
    ),
    N_("sum of squared gradients G"),
    N_("Learning rate decays as lr / (1 + (t−1)·lr_decay)."),
    N_("Starting value of the squared-gradient sum G (torch: `initial_accumulator_value`)."),
    N_("G₀ · initial sum"),
    N_("Small constant added to the denominator so it never divides by zero."),
    N_("Put ε inside the square root, √(v + ε), as the article does; PyTorch uses √v + ε."),
    N_("ε placement (convention)"),
    N_("PyTorch: √v + ε"),
    N_("Article: √(v + ε)"),
    N_("RMSprop"),
    N_(
        "Adagrad with a memory that fades: divide by the root of a decaying average of squared gradients. Steps stay normalised per coordinate (each coordinate moves alike, whatever the size of its gradient) without shrinking forever: they shrink only while the gradient falls below its recent average, as it does near a minimum."
    ),
    N_(
        "Watch the first step: 3.2·lr per coordinate, because the average starts at zero (step lr/√(1−α)). Lower alpha to 0.5: the average forgets fast and for 10 steps each coordinate moves 0.6–1.4·lr, like signSGD."
    ),
    N_("squared-gradient average v"),
    N_("gradient average"),
    N_("velocity"),
    N_("Decay rate of the squared-gradient average."),
    N_("Divide by an estimate of the gradient's variance instead of its raw second moment."),
    N_("Adam"),
    N_(
        "Momentum and RMSprop together: a running average of gradients (direction) divided by the root of a running average of squared gradients (scale), both corrected for starting at zero. Each coordinate moves about lr per step whatever the gradient's size, so it crosses the flat direction of a badly scaled valley fast, where gradient descent crawls; near the minimum the same momentum carries it past, so it may settle later."
    ),
    N_(
        "Lower β₁ to 0.5: with less momentum Adam no longer swings past the minimum (to x ≈ 1.1 at 0.9) and reaches f − f* ≤ 1e-3 in 37 steps; at 0.9 it is still at f ≈ 0.19 after 50."
    ),
    N_("first moment m"),
    N_("second moment v"),
    N_("max second moment (AMSGrad)"),
    N_("infinity norm u"),
    N_("Decay rates of the running averages of the gradient (β₁) and its square (β₂)."),
    N_("Divide by the largest second moment seen so far, so steps never grow back (AMSGrad)."),
    N_("Apply weight decay to the weights directly, as AdamW does (torch: `decoupled_weight_decay`)."),
    N_("Decoupled weight decay"),
    N_("AdamW"),
    N_(
        "Adam with weight decay taken out of the gradient: the weights shrink by a factor (1 − lr·λ) each step instead of adding λθ to the gradient, so the decay is not rescaled by Adam's per-coordinate step sizes."
    ),
    N_(
        "Raise weight_decay to 0.3: each step also shrinks θ by (1 − lr·λ), which pulls it into this bowl's minimum at the origin, f − f* ≤ 1e-3 in 44 steps. The same λ on the Adam page (added to the gradient) changes nothing visible: Adam's per-coordinate scaling cancels it."
    ),
    N_("NAdam"),
    N_(
        "Adam with Nesterov's look-ahead: the step mixes the current gradient with the momentum it is about to apply, so it reacts a step earlier to a change of slope. Its momentum warms up slowly (ψ): it starts at about β₁/2 and takes thousands of steps to approach β₁, so over a short run it swings past a minimum far less than Adam with the same β₁."
    ),
    N_(
        "Compare with the Adam page (both at lr 0.4 on the quadratic): Adam swings past the minimum to x ≈ 1.1, NAdam only to x ≈ 0.27, and ends 10 times lower."
    ),
    N_("How fast the momentum coefficient warms up to β₁."),
    N_("RAdam"),
    N_(
        "Adam whose adaptive step is switched on only once the squared-gradient average has seen enough steps to be trusted (ρₜ > 5), and then scaled by a rectification term rₜ that starts small and grows towards 1: a built-in warm-up of the adaptive steps. Until then it takes plain momentum-SGD steps of lr·m̂, as large as the gradient is."
    ),
    N_("Look at the first 5 steps: they are SGD-with-momentum steps of size lr·|m̂|, then the adaptive rule kicks in."),
    N_("Adamax"),
    N_(
        "Adam with the root-mean-square replaced by a decaying maximum of |g|. One large gradient sets the scale for a long time, so steps are steadier and never larger than about lr."
    ),
    N_(
        "Watch u in the side panel: the first gradient sets u_y = 24 and it decays only by β₂ = 0.999 a step, so after 50 steps it is still 23 while |g_y| is about 1. Lower β₂ to 0.9 and u follows |g| down."
    ),
    N_("Adadelta"),
    N_(
        "RMSprop whose numerator is itself a running average of past step sizes, so the units of the update match the units of the parameters and no learning rate is needed in principle (torch keeps lr = 1 as a multiplier). The step-size average begins at zero, so ε alone sets the first steps, about √(ε/(1−ρ)) per coordinate: at torch's ε = 1e-6 it starts very slowly, which is why this page starts from ε = 0.01."
    ),
    N_(
        "Lower eps to 1e-6 (torch's default): the first step shrinks 100-fold, because ε sets the initial step size √(ε/(1−ρ)), and after 50 steps the point has moved only about 0.3 instead of 7."
    ),
    N_("squared-update average u"),
    N_("Decay rate of both running averages."),
    N_("Rprop"),
    N_(
        "Ignore the size of the gradient, use only its sign. Each coordinate has its own step, which grows by η₊ while the sign stays the same and shrinks by η₋ when it flips (a sign flip means the step jumped over the valley floor). Meant for full-batch problems like these landscapes."
    ),
    N_(
        "Set etas to (0.5, 2.0): x's step doubles while the sign holds (0.1, 0.2, … 3.2), overshoots to x = 2.3, then halves at every flip; after 50 steps it is still at f ≈ 3.4, where (0.5, 1.2) reaches 1e-8."
    ),
    N_("step size Δ"),
    N_("previous gradient"),
    N_("Factors that shrink (η₋) or grow (η₊) each coordinate's step."),
    N_("Smallest and largest allowed step per coordinate."),
    N_("Lion"),
    N_(
        "Found by a program search: take only the sign of an interpolated momentum, so every coordinate moves exactly ±lr each step. Cheap and robust to gradient scale, but it never slows down by itself, so near a minimum it rattles around at amplitude lr."
    ),
    N_(
        "Lower lr to 0.1: moving exactly lr per coordinate each step, it needs 60 steps just to reach y = 0. Raise steps to 200: after swinging past the minimum to x ≈ 2.4 (its memory β₂ = 0.99 is long), the path settles in the smaller box of ±0.1 around it and rattles there."
    ),
    N_("momentum m"),
    N_("Schedule-Free AdamW"),
    N_(
        "Instead of decaying the learning rate on a schedule, keep a running average x of the Adam-like iterates z and evaluate that: at a constant lr, x after t steps is the plain mean of z₁ … zₜ, which does what a decaying schedule does without knowing the run's length. The gradient is taken at y = (1 − β₁)·z + β₁·x, between the two, which acts as momentum. The path drawn is y (torch's parameter in train mode); x, the point you would evaluate, and z are in the side panel at every step."
    ),
    N_(
        "Set warmup_steps to 20: the first step is 20 times shorter (lr rises from lr/20 = 0.02), the path swings past the minimum less (to x ≈ 0.26 instead of 0.38) and ends at f ≈ 0.07 instead of 0.36."
    ),
    N_("averaged point x (eval mode)"),
    N_("base iterate z"),
    N_(
        "β₁: where the gradient is taken, between z (0) and the average x (1); β₂: decay of the squared gradient's average."
    ),
    N_("Raise the learning rate linearly from lr/warmup_steps to lr over this many steps."),
    N_("Weigh the average polynomially: step t counts t^r times as much (0: a plain average)."),
    N_("Weigh each step in the average by the largest lr so far to this power, so warm-up steps count less."),
    N_("Schedule-Free SGD"),
    N_(
        "Gradient descent on z, and a running average x of all the z's as the answer: at a constant lr, x after t steps is the plain mean of z₁ … zₜ, so across the steep direction it swings far less than z, the zig-zag a decaying learning rate would otherwise have to damp. The gradient is taken at y = (1 − β)·z + β·x, between the two, which acts like momentum. The path drawn is y (torch's parameter in train mode); x, the point you would evaluate, and z are in the side panel at every step."
    ),
    N_(
        "Slide to step 50: the averaged point x in the side panel, (−0.02, −0.001), is closer to the minimum than the path's end y, (0.10, −0.003). Lower momentum to 0.5: y gets to (0.01, 0), but x, the plain mean of every z since the start, is still at (−0.50, 0)."
    ),
    N_("Where the gradient is taken, between z (0) and the average x (1); strictly between 0 and 1."),
    N_("Prodigy"),
    N_(
        "Adam without a learning rate to tune: the step size d·lr is learned. d estimates how far the start is from the solution, from how much the gradients have pointed back towards the start; it starts tiny (d0 = 1e-6), grows fast while they do, and never shrinks. lr stays at 1 and only scales the estimate. The side panel shows d at every step."
    ),
    N_(
        "Watch d in the side panel: from d0 = 1e-6 it grows about 2.6 times a step, passes 1 at step 16 and stops at 2.74, the order of the start's distance to the minimum (7.2). Raise d0 to 1e-3: d passes 1 at step 9, so a guess a thousand times better saves only 7 steps."
    ),
    N_("distance estimate d"),
    N_("Multiplies the learned step size d; leave it at 1 unless runs are unstable."),
    N_("Decay of the sums that estimate d (None: √β₂)."),
    N_("Added to the denominator, times d."),
    N_("Decoupled weight decay, as AdamW (else added to the gradient)."),
    N_("Adam's bias correction of the step size."),
    N_("Leave lr out of the denominator of the estimate of d, to avoid trouble during a warm-up."),
    N_("Initial estimate of the distance to the solution; rarely needs changing."),
    N_("Multiplies the estimate of d: the preferred way to tune Prodigy (0.5 and 2 also work)."),
    N_("Largest factor by which d may grow in one step (None: unrestricted, the reference's inf)."),
    N_("AdEMAMix"),
    N_(
        "Adam with a second, much slower momentum added on top: the fast average m₁ (β₁ = 0.9) follows the last ten or so gradients, the slow one m₂ (β₃ = 0.9999) remembers thousands, weighted α = 5 times more. Old gradients keep pushing in the direction they agreed on, while the fast momentum still reacts to the current slope. The slow momentum is not bias corrected: it starts near zero and builds up over about 1/(1 − β₃) steps, so over a short run AdEMAMix behaves like Adam until m₂ has grown."
    ),
    N_(
        "Set α to 0: without the slow momentum AdEMAMix is exactly Adam (same path as the Adam page). Then lower β₃ from 0.9999 to 0.99: the slow momentum fills up within the run and, five times heavier than m₁, carries the point past the minimum to x ≈ 1.9 instead of 1.1; after 50 steps f ≈ 1.45 instead of 0.17."
    ),
    N_("slow momentum m₂"),
    N_("momentum of gradient differences"),
    N_("Decay rates of the fast momentum (β₁), the squared gradients (β₂) and the slow momentum (β₃)."),
    N_("Weight of the slow momentum relative to the fast one."),
    N_("Steps over which α and β₃ warm up from 0 and β₁ (None: no warm-up, the reference's default)."),
    N_(
        "Shrink the weights directly, as AdamW does, instead of adding λθ to the gradient (pytorch-optimizer: `weight_decouple`)."
    ),
    N_("With decoupled weight decay, shrink by (1 − λ) per step instead of (1 − ηλ)."),
    N_("ADOPT"),
    N_(
        "Adam with two things swapped: the gradient is divided by the second moment of the previous steps (not including itself), and it is normalised before it enters the momentum instead of after. The current gradient then cannot shrink its own step, which is what lets Adam diverge on some problems for small β₂; ADOPT converges for any β₂. The first step only measures v, and normalised gradients are clipped to t^¼ while v is still unreliable."
    ),
    N_(
        "Step 1 does not move the point: the first gradient only seeds v. m is not bias corrected, so step 2 is 0.1·lr per coordinate and steps grow towards lr. Lower β₂ from 0.9999 to 0.5: v follows the shrinking gradients, steps stay near lr close to the minimum, and f − f* ≤ 1e-3 comes in 44 steps (not within 50 before)."
    ),
    N_("Adan"),
    N_(
        "Nesterov's look-ahead without computing a gradient at another point: the change of the gradient between two steps, g_t − g_{t−1}, estimates where the slope is heading, so Adan keeps a momentum of those differences beside the usual one and adds it to the step. The denominator averages the square of the look-ahead gradient g + β₂(g_t − g_{t−1}). Its default β₁ = 0.98 is a long memory; weight decay is a proximal step (divide by 1 + ηλ)."
    ),
    N_(
        "Lower β₁ from 0.98 to 0.9: the gradient momentum forgets faster, the swing past the minimum shrinks from x ≈ 1.7 to x ≈ 0.85, and f after 50 steps falls from about 2 to 0.12."
    ),
    N_(
        "Decay rates of the gradient momentum (β₁), the momentum of gradient differences (β₂) and the squared look-ahead gradients (β₃)."
    ),
    N_("Scale the gradient down to this norm when it is longer (0: no clipping)."),
    N_("Muon"),
    N_(
        "Treat each weight matrix as a matrix: take the momentum of its gradient and replace it by the nearest (semi-)orthogonal matrix, found with a few Newton–Schulz iterations. Every direction of the layer then moves by about the same amount, however ill-conditioned the gradient is. Biases are not matrices, so they are trained with AdamW (torch's advice)."
    ),
    N_("Compare Muon with Adam on the spiral: Muon's loss falls in longer straight stretches."),
    N_("momentum B (matrices)"),
    N_("Use Nesterov momentum (torch's default)."),
    N_("Newton–Schulz iterations per step."),
    N_("AdamW learning rate for the biases."),
    N_("AdamW's averaging rates for the biases."),
    N_("AdamW's ε for the biases."),
    N_("AdamW's weight decay for the biases."),
    N_("Adafactor"),
    N_(
        "Adam's second moment, stored as one number per row and one per column of each weight matrix instead of one per weight (their outer product estimates the full table). Steps are relative to the size of the weights and clipped in RMS, and the averaging rate t^c (c = beta2_decay) needs no β₂."
    ),
    N_("Raise d from 1 to 10: update clipping stops biting and the first steps get larger."),
    N_("Exponent of the averaging rate t^c of the second-moment estimates."),
    N_("ε₁ keeps the variance estimate positive; ε₂ is the smallest weight RMS used to scale steps."),
    N_("Clipping threshold of the update's RMS (torch: at least 1)."),
    N_("LAMB"),
    N_(
        "Adam's step, rescaled tensor by tensor: each weight matrix and bias moves by the same fraction of its own size, the trust ratio ‖W‖/‖update‖. A layer with small weights takes small steps and one with large weights large ones, so a single learning rate suits every layer, which is what let BERT train with batches of 64k. Only the first moment is bias corrected, as in the reference."
    ),
    N_(
        "Turn on `adam`: the trust ratio is dropped and every tensor takes Adam's step, about lr per coordinate whatever the size of its weights; with it on, a tensor moves by about lr times its own norm."
    ),
    N_("Scale the gradient by (1 − β₁) as it enters the momentum (off: add it whole)."),
    N_("Drop the trust ratio: plain Adam steps, as a baseline."),
    N_("SOAP"),
    N_(
        "Shampoo preconditions a weight matrix from both sides with running averages of GGᵀ and GᵀG; SOAP takes their eigenvectors as a rotated coordinate system and runs Adam there: the gradient is rotated in, Adam's per-coordinate scaling is applied, and the step is rotated back. Coordinates aligned with the gradient's main directions get their own step sizes. The eigenbasis is refreshed every precondition_frequency steps by one power iteration; the first step only measures. Biases get plain Adam."
    ),
    N_(
        "Set precondition_frequency from 10 to 1: the eigenbasis follows the gradients every step (more work per step); at 100 it stays the first step's basis."
    ),
    N_("second moment v (eigenbasis)"),
    N_("Decay rate of the preconditioner statistics GGᵀ and GᵀG (None: β₂)."),
    N_("Steps between refreshes of the eigenbasis."),
    N_("Correct Adam's moments for starting at zero."),
    N_("Divide each tensor's update by its root mean square."),
    N_("Quadratic bowl"),
    N_(
        "An elongated bowl whose curvature differs 20-fold between the axes, so plain gradient descent zig-zags across the narrow y direction while crawling along x."
    ),
    N_("Conditioned quadratic (κ = 10, angle = 0°)"),
    N_(
        "A quadratic valley with Hessian eigenvalues 1/κ and 1: the condition number κ controls how slowly gradient descent converges, and the angle rotates the valley off the coordinate axes."
    ),
    N_("Rosenbrock"),
    N_(
        "A narrow, curved banana-shaped valley: finding the valley is easy, but following its floor to the minimum at (1, 1) is slow for methods without momentum or adaptive steps."
    ),
    N_("Beale"),
    N_(
        "Steep walls in the corners and nearly flat plateaus near the axes: gradients vary over many orders of magnitude, which rewards adaptive step sizes."
    ),
    N_("Himmelblau"),
    N_(
        "Four equally good minima separated by ridges and a central peak, so which one an optimizer reaches depends on the start point, the step size and momentum."
    ),
    N_("Booth"),
    N_(
        "A convex quadratic whose valley runs diagonally (Hessian eigenvalues 2 and 18), a gentle test of how optimizers cope with axes that are not aligned with the valley."
    ),
    N_("Rastrigin"),
    N_(
        "A bowl covered in a regular egg-crate of local minima: gradient methods get stuck in the nearest dimple unless the step size or momentum carries them over the bumps."
    ),
    N_("Ackley"),
    N_(
        "A nearly flat, bumpy plateau around a sharp funnel at the origin: local gradients mostly point to nearby ripples rather than to the global minimum."
    ),
    N_("Saddle"),
    N_(
        "A saddle point at the origin with no minimum: starting almost on the ridge, optimizers first slow down near the saddle and then must escape along y, which momentum does much faster."
    ),
    N_("Goldstein–Price"),
    N_(
        "Values span six orders of magnitude and there are several local minima, so a fixed learning rate is either far too small on the flats or explosive on the walls."
    ),
    N_("Six-hump camel"),
    N_(
        "Six minima, two of them global: a compact landscape for comparing which basin each optimizer ends up in from different start points."
    ),
    N_("Styblinski–Tang"),
    N_(
        "Four basins of different depth; from the default start, plain gradient descent settles in the shallow corner basin while the global minimum lies in the opposite corner."
    ),
    N_("Constant"),
    N_("Step decay"),
    N_("Number of updates between two decays."),
    N_("Factor applied to the lr at each decay."),
    N_("Multi-step decay"),
    N_("Update at which the lr is first multiplied by gamma (0: unused)."),
    N_("A second milestone (0: unused)."),
    N_("A third milestone (0: unused)."),
    N_("Factor applied to the lr at each milestone."),
    N_("Exponential decay"),
    N_("Factor applied to the lr after every update."),
    N_("Polynomial decay"),
    N_("Number of updates until the lr reaches zero."),
    N_("Shape of the decay: 1 is linear."),
    N_("Linear"),
    N_("The first update uses this fraction of the lr."),
    N_("Fraction of the lr reached after total_iters updates and kept afterwards."),
    N_("Number of updates of the linear change."),
    N_("Cosine annealing"),
    N_("Updates in half a cosine period (lr reaches eta_min there)."),
    N_("Lowest learning rate."),
    N_("Cosine with warm restarts"),
    N_("Updates until the first restart."),
    N_("Each period is this many times longer than the previous one."),
    N_("Linear warm-up + cosine"),
    N_("Updates spent ramping the lr up linearly."),
    N_("Updates of the cosine phase until the lr reaches eta_min."),
    N_("The warm-up starts at this fraction of the lr."),
    N_("One-cycle"),
    N_("Peak learning rate (None: the optimizer's lr)."),
    N_("Length of the cycle, in updates."),
    N_("Fraction of the cycle spent increasing the lr."),
    N_("Shape of the ramps: cosine or linear."),
    N_("cos"),
    N_("linear"),
    N_("Cycle the momentum (or β₁) inversely to the lr."),
    N_("Momentum when the lr peaks."),
    N_("Momentum at the start and the end of the cycle."),
    N_("The lr starts at max_lr / div_factor."),
    N_("The lr ends at max_lr / (div_factor · final_div_factor)."),
    N_("Go back down to the initial lr before the final annealing (three phases)."),
    N_("Cyclical"),
    N_("Lowest learning rate, where each cycle starts (None: max_lr / 4)."),
    N_("Updates from base_lr up to max_lr."),
    N_("Updates from max_lr back down to base_lr (None: step_size_up)."),
    N_("Amplitude of the cycles: constant, halved each cycle, or times gamma per update."),
    N_("triangular"),
    N_("triangular2"),
    N_("exp_range"),
    N_("exp_range multiplies the amplitude by this each update."),
    N_("Momentum when the lr is at base_lr."),
    N_("Reduce on plateau"),
    N_("Whether the monitored quantity should decrease or increase."),
    N_("min"),
    N_("max"),
    N_("Factor applied to the lr at each cut."),
    N_("Updates without improvement tolerated before a cut."),
    N_("Minimal change that counts as an improvement."),
    N_("Whether threshold is relative or absolute."),
    N_("rel"),
    N_("abs"),
    N_("Updates to wait after a cut before counting again."),
    N_("The lr is never cut below this."),
    N_("Cuts smaller than this are skipped."),
    N_("Circle"),
    N_("Exclusive or"),
    N_("Two Gaussians"),
    N_("Spiral"),
    N_("Two moons"),
    N_("Handwritten digits (UCI)"),
    N_("MNIST-1D"),
    N_("A disc of one class inside a ring of the other: needs a curved boundary."),
    N_("Opposite quadrants share a class: no single line separates them."),
    N_("Two blobs: almost linearly separable, the easy case."),
    N_("Two interleaved spiral arms: the hardest of the 2-D sets."),
    N_("Two interleaving half circles (scikit-learn's make_moons)."),
    N_("1797 handwritten digits as 8 × 8 grey images (UCI, CC BY 4.0), pixels scaled to [0, 1]."),
    N_(
        "5000 one-dimensional signals of 40 samples, one of 10 digit shapes each, shifted, scaled, sheared and noised (Greydanus & Kobak, MNIST-1D, generated by the mnist1d package, Apache-2.0)."
    ),
    N_("|x| ≤ 0.1 and |y| < 0.1"),
    N_("Oscillates along the steep y axis and converges slowly in x."),
    N_("Damps the oscillation and speeds up convergence."),
    N_("Steps shrink as squared gradients accumulate, so it slows down."),
    N_("A decaying average fixes Adagrad's shrinking steps."),
    N_("Momentum + RMSprop + bias correction: reaches the optimum's neighbourhood fastest and most smoothly."),
    N_("Invalid grid size {value} (expected an integer >= 1)"),
    N_("Invalid tol {value} (expected > 0)"),
    N_("Invalid {name} {value}: expected one or more integers >= 1"),
    N_("Invalid kernels {value}: expected one kernel size per convolution ({count})"),
    N_("Invalid stride: {value} (expected an integer >= 1)"),
    N_("Invalid padding: {value} (expected an integer >= 0)"),
    N_("The signal of {length} samples is too short for these convolutions (lengths {lengths})"),
    N_("{layers}-layer {activation} CNN ({channels} channels, kernels {kernels}) on {dataset}"),
    N_(
        "As in TensorFlow Playground: the points stay where they are drawn, but each is labelled by where it lands after a random shift of up to ±noise × the outer radius in x and in y, so labels near the gap between disc and ring can flip."
    ),
    N_("Standard deviation of the Gaussian noise added to the points."),
    N_("Each blob's standard deviation is 0.15 + noise."),
    N_(
        "As scikit-learn's make_moons(noise=…): the standard deviation of the Gaussian noise added to the points in make_moons's units; the points are drawn shrunk by 1.2, so the drawn noise is noise / 1.2."
    ),
    N_("Invalid n for mnist1d: {value} (expected 10 to {limit})"),
    N_("Unknown dataset {name}; valid names are: {names}"),
    N_("Invalid test_fraction: {value} (expected a number in (0, 1))"),
    N_("Invalid n for digits: {value} (expected 10 to {limit})"),
    N_("Invalid n: {value} (expected at least 8 samples)"),
    N_("Invalid noise: {value} (expected a number >= 0)"),
    N_("the formula is too complex: working out its gradient takes too long"),
    N_("the gradient of this formula is too large to compute quickly"),
    N_("use x, y, pi, e and functions such as sin, exp, sqrt"),
    N_("the formula is too complex to differentiate"),
    N_("the box must be four numbers (xmin, xmax, ymin, ymax)"),
    N_("attribute access with '.'"),
    N_("indexing with [...]"),
    N_("lambda functions"),
    N_("conditional expressions (if/else)"),
    N_("comparisons (==, <, ...)"),
    N_("'and' / 'or'"),
    N_("comprehensions"),
    N_("lists"),
    N_("sets"),
    N_("dictionaries"),
    N_("assignments (:=)"),
    N_("text strings"),
    N_("await"),
    N_("yield"),
    N_("invalid syntax"),
    N_("invalid decimal literal"),
    N_("invalid hexadecimal literal"),
    N_("invalid octal literal"),
    N_("invalid binary literal"),
    N_("invalid imaginary literal"),
    N_("leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"),
    N_("unexpected character after line continuation character"),
    N_("expected 'else' after 'if' expression"),
    N_("unexpected EOF while parsing"),
    N_("'{bracket}' was never closed"),
    N_("unmatched '{bracket}'"),
    N_("closing parenthesis '{closing}' does not match opening parenthesis '{opening}'"),
    N_("unterminated string literal (detected at line {line})"),
    N_("the formula must be text"),
    N_("the formula is too long ({length} characters; the limit is {limit})"),
    N_("unsupported character {char} at position {position}: use plain ASCII, e.g. x, y, *, **"),
    N_("the formula contains a control character at position {position}"),
    N_("the formula is empty: type an expression in x and y, e.g. x**2 + y**2"),
    N_("the formula is nested too deeply (more than {limit} levels of parentheses)"),
    N_("could not read the formula at position {position}: {reason}"),
    N_("could not read the formula: {reason}"),
    N_("could not read the formula: it is too complex"),
    N_("the formula is too complex ({nodes} terms; the limit is {limit})"),
    N_("'{snippet}' is not a finite real number"),
    N_("the formula is nested too deeply (more than {limit} levels)"),
    N_("'{name}' is a function: write {name}(...)"),
    N_("unknown name '{name}': {hint}"),
    N_("the operator '{operator}' is not allowed: use + - * / **"),
    N_("commas are only allowed between function arguments, e.g. atan2(y, x)"),
    N_("{what} are not allowed in a formula"),
    N_("{what} is not allowed in a formula"),
    N_("'{snippet}' is not allowed: {hint}"),
    N_("complex numbers (like 1j) are not allowed"),
    N_("text strings are not allowed in a formula"),
    N_("the number '{snippet}' is too large"),
    N_("'{snippet}' is not allowed"),
    N_("division by zero in '{snippet}'"),
    N_("the exponent in '{snippet}' is too large (the limit is ±{limit})"),
    N_("calling '{snippet}' is not allowed: call functions by name, e.g. sin(x)"),
    N_("'{name}' is not a function: write '{name}*(...)' to multiply"),
    N_("unknown function '{name}': allowed functions are {functions}"),
    N_("keyword arguments are not allowed: write {name}(...) with plain arguments"),
    N_("starred arguments are not allowed"),
    N_("{name} takes 1 argument (got {got})"),
    N_("{name} takes {count} arguments (got {got})"),
    N_("f is constant: nothing to optimize (use x and/or y)"),
    N_("the formula expands to too large an expression (more than {limit} terms)"),
    N_("could not differentiate the formula with respect to {variable}"),
    N_("the server is too busy to check this formula right now: try again shortly"),
    N_("could not differentiate the formula"),
    N_("the box coordinates must be finite numbers within ±{limit}"),
    N_("the box must have xmin < xmax and ymin < ymax"),
    N_("the box is too large (each side at most {limit})"),
    N_("could not compile the formula for numerical evaluation"),
    N_("f is not finite anywhere in the box (undefined or overflowing everywhere)"),
    N_("f is constant: nothing to optimize"),
    N_(
        "Your formula f(x, y) = {formula}. The marked minimum ({x}, {y}) with f = {value} is approximate (grid search on {grid}×{grid} points of the box); it lies on the edge of the box, so f may decrease further outside."
    ),
    N_(
        "Your formula f(x, y) = {formula}. The marked minimum ({x}, {y}) with f = {value} is approximate (grid search on {grid}×{grid} points of the box)."
    ),
    N_("{description} f is undefined or infinite in parts of the box."),
    N_("Custom: {formula}"),
    N_("condition must be a finite number >= 1 (got {value})"),
    N_("Condition number κ"),
    N_("Ratio of the largest to the smallest curvature."),
    N_("Rotation angle (degrees)"),
    N_("Rotates the valley away from the axes."),
    N_("Conditioned quadratic (κ = {condition}, angle = {angle}°)"),
    N_("a finite number >= 1"),
    N_("a finite number of degrees"),
    N_("{param} must be {allowed} (got {value})"),
    N_("unknown function {name}; valid names are: {names}"),
    N_("unknown parameter(s) {unknown} for function {name}; valid parameters: {valid}"),
    N_("none"),
    N_("Invalid {name}: {value} (expected True or False)"),
    N_("Invalid {name}: {value} (expected one of {options})"),
    N_("Invalid {name}: {value} (expected an integer in {bounds})"),
    N_("Invalid {name}: {value} (expected {n} numbers)"),
    N_("Invalid {name}: {value} (expected a pair of numbers)"),
    N_("Invalid {name}: {value} (expected a number)"),
    N_("Invalid {name} value: {value} (must be a finite number)"),
    N_("array with values in [{low}, {high}]"),
    N_("Invalid {name} value: {value} (allowed range {bounds})"),
    N_("Invalid centre {value} (expected 'init' or 'best')"),
    N_("Invalid method {value} (expected one of {names})"),
    N_("Invalid size {value} (expected >= 1)"),
    N_(
        "A run has diverged when it leaves the landscape, f stops being finite, or its f − f* ends more than {growth}× its value at the start; it diverged at the first step from which that held to the end."
    ),
    N_("Unknown model {name}; valid names are: {names}"),
    N_("Invalid steps: {value} (expected an integer >= 0)"),
    N_("Unknown activation {name}; valid ones are: {names}"),
    N_("Invalid hidden sizes {value}: every layer needs at least one unit"),
    N_("{sizes} {activation} network on {dataset}"),
    N_("{sizes} {activation} residual network on {dataset}"),
    N_("The program generates all of MNIST-1D; a subset of it is not written out."),
    N_("A 2-D run's program is written by core.snippets, not core.network_program."),
    N_("Invalid target: {value} (expected a test accuracy in (0, 1])"),
    N_("Invalid x0 shape {shape}: a network needs starts of {dim} parameters"),
    N_("Unknown optimizer {name}; valid names are: {names}"),
    N_(
        "RMSprop cannot turn momentum on after its first step (torch makes its momentum buffer only at the first step): let the schedule's momentum start above 0"
    ),
    N_("{optimizer} got unexpected hyperparameter(s) {unknown}; valid ones are: {valid}"),
    N_("Invalid precondition_frequency: {value} (expected one integer from 1 up)"),
    N_(
        "{optimizer} applies only to networks (objectives with a parameter layout, see core.mlp); it needs to know which coordinates form each weight matrix"
    ),
    N_("Invalid ns_steps: {value} (expected one integer from 1 to 99)"),
    N_("Invalid nesterov setting: Nesterov momentum requires a momentum > 0 and zero dampening"),
    N_("Invalid step_sizes: min {low} must not exceed max {high}"),
    N_("A network run has no 2-D landscape."),
    N_("A network run is linked from the Network lab, not from an optimizer's page."),
    N_("The formula is longer than {n} characters."),
    N_("Invalid milestones: {value} (expected a list of positive integers)"),
    N_("optimizer must support momentum or beta1 with `cycle_momentum` option enabled"),
    N_("Unknown schedule {name}; valid names are: {names}"),
    N_("{schedule} got unexpected parameter(s) {unknown}; valid ones are: {valid}"),
    N_("(none)"),
    N_("Invalid record: {value} (expected 'all' or 'last')"),
    N_("Invalid record_every: {value} (expected an integer >= 1)"),
    N_("Invalid x0 shape {shape}: the last axis must hold (x, y)"),
    N_("Invalid x0 shape {shape}: the last axis must hold the {dim} parameters"),
    N_("This checkpoint comes from another run ({name}, batch_size {batch_size}) and cannot continue this one"),
    N_("join needs at least one trajectory"),
    N_("join needs consecutive parts of one run, recorded alike"),
    N_("join needs parts whose steps are a multiple of record_every (all but the last)"),
    N_("Invalid {name}: shape {shape} does not broadcast to the batch shape {batch}"),
    N_("Invalid batch_size: {value} (expected an integer >= 1)"),
    N_("batch_size needs an objective with training samples (a network from core.mlp)"),
    N_("ε inside the square root (the article's variant)"),
    N_("{optimizer} is not in torch.optim, so there is no PyTorch snippet for it."),
    N_("{optimizer} works on the weight matrices of a network, so there is no PyTorch snippet of it on a landscape."),
    N_("{option} is not an option of torch.optim.{torch_class}."),
    N_("The formula is too long to write as a short PyTorch snippet."),
    N_("No torch formula for the landscape {name}."),
    N_("A network run's program is written by core.network_program."),
    N_("curvature must satisfy 0 < mu <= L (got mu={mu}, L={lipschitz})"),
    N_("factor must be in (0, 1) (got {value})"),
    N_("Invalid dims: {dims} (expected 0 to {limit})"),
    N_("Invalid budget: {value} (expected an integer >= 1)"),
    N_("Invalid scores shape {shape}: expected (problems, solvers)"),
    N_("Performance profiles need scores >= 0 (ratios of negative scores mean nothing)"),
    N_("Invalid score {value}; valid ones are: {names}"),
    N_("Invalid options for {names}: not searched (searched: {searched})"),
    N_("nothing"),
    N_("Invalid options for {name}: none inside ({low}, {high}]"),
    N_("Unknown architecture {name}; valid names are: {names}"),
)
