//! The worker's Prometheus metrics, in the node's registry (`--prometheus-port`).

use substrate_prometheus_endpoint::{
	register, Counter, Gauge, PrometheusError, Registry, F64, U64,
};

/// Counters and gauges of the miner and the orchestrator.
#[derive(Clone)]
pub struct Metrics {
	/// Optimizer steps trained.
	pub steps: Counter<U64>,
	/// Mini-batch loss of the last step trained.
	pub loss: Gauge<F64>,
	/// Deltas submitted with `submit_delta`.
	pub deltas_submitted: Counter<U64>,
	/// This miner's deltas accepted (`DeltaAccepted` events).
	pub deltas_accepted: Counter<U64>,
	/// GYM earned by mining, ever (the chain's `earned_total`), in GYM.
	pub gym_earned: Gauge<F64>,
	/// Wall seconds this miner was assigned to a job.
	pub assigned_seconds: Gauge<F64>,
	/// Seconds of optimizer steps this miner ran.
	pub training_seconds: Gauge<F64>,
	/// Training seconds ÷ wall seconds while assigned.
	pub utilisation: Gauge<F64>,
	/// Deltas this orchestrator validated.
	pub deltas_validated: Counter<U64>,
	/// Rounds this orchestrator completed.
	pub rounds_completed: Counter<U64>,
}

impl Metrics {
	/// Registers the metrics in `registry`.
	pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		Ok(Metrics {
			steps: register(
				Counter::new("gym_miner_training_steps_total", "Optimizer steps trained")?,
				registry,
			)?,
			loss: register(
				Gauge::new("gym_miner_training_loss", "Mini-batch loss of the last step")?,
				registry,
			)?,
			deltas_submitted: register(
				Counter::new("gym_miner_deltas_submitted_total", "Deltas submitted")?,
				registry,
			)?,
			deltas_accepted: register(
				Counter::new("gym_miner_deltas_accepted_total", "Deltas accepted by the chain")?,
				registry,
			)?,
			gym_earned: register(
				Gauge::new("gym_miner_gym_earned", "GYM earned by mining, ever")?,
				registry,
			)?,
			assigned_seconds: register(
				Gauge::new("gym_miner_assigned_seconds", "Wall seconds assigned to a job")?,
				registry,
			)?,
			training_seconds: register(
				Gauge::new("gym_miner_training_seconds", "Seconds of optimizer steps")?,
				registry,
			)?,
			utilisation: register(
				Gauge::new(
					"gym_miner_utilisation",
					"Training seconds / wall seconds while assigned to a job",
				)?,
				registry,
			)?,
			deltas_validated: register(
				Counter::new("gym_orchestrator_deltas_validated_total", "Deltas validated")?,
				registry,
			)?,
			rounds_completed: register(
				Counter::new("gym_orchestrator_rounds_completed_total", "Rounds completed")?,
				registry,
			)?,
		})
	}
}
