// Placeholder entry point; the host is wired in the next step.
return 0;
