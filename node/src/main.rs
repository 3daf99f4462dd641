//! `wattle-node`: the Wattle blockchain node.
#![warn(missing_docs)]
// sc_cli and sc_service return their own large error types; boxing them here would only hide them.
#![allow(clippy::result_large_err)]

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod chain_spec;
mod cli;
mod command;
mod market_metrics;
mod market_rpc;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
