//! `wattle-node benchmark …`, present only with `--features runtime-benchmarks`: it runs the
//! pallets' `frame_benchmarking` benchmarks in the runtime's wasm to regenerate `weights.rs`.
use crate::cli::Cli;
use frame_benchmarking_cli::{BenchmarkCmd, SUBSTRATE_REFERENCE_HARDWARE};
use sc_cli::SubstrateCli;
use wattle_runtime::opaque::Block;

/// Runs a `benchmark` subcommand.
pub fn run(cli: &Cli, cmd: &BenchmarkCmd) -> sc_cli::Result<()> {
	let runner = cli.create_runner(cmd)?;
	runner.sync_run(|config| match cmd {
		BenchmarkCmd::Pallet(cmd) => {
			cmd.run_with_spec::<sp_runtime::traits::HashingFor<Block>, ()>(Some(config.chain_spec))
		},
		BenchmarkCmd::Machine(cmd) => cmd.run(&config, SUBSTRATE_REFERENCE_HARDWARE.clone()),
		_ => Err("wattle-node offers `benchmark pallet` and `benchmark machine` only".into()),
	})
}
