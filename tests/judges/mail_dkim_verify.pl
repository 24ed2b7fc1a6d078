#!/usr/bin/perl
# The third judge of a message: Perl's Mail::DKIM (SpamAssassin's and many MTAs' verifier), which
# shares no code with dkimpy. Reads one message (CRLF or LF) on stdin; asks only the name server
# given (host port, non-recursive), as byodkim's tests serve records from a real BIND.
# Prints one line per signature, in header order: result<TAB>algorithm<TAB>d<TAB>s<TAB>detail.
use strict;
use warnings;
use Mail::DKIM::Verifier;
use Net::DNS::Resolver;

my ($host, $port) = @ARGV;
die "usage: mail_dkim_verify.pl HOST PORT < message\n" unless defined $port;
my $resolver = Net::DNS::Resolver->new(
    nameservers => [$host], port => $port, recurse => 0, udp_timeout => 2, tcp_timeout => 2, retry => 1
);
Mail::DKIM::DNS::resolver($resolver);
# A receiver's recursive resolver follows a CNAME (Easy DKIM's selectors point at amazonses.com);
# the authoritative BIND asked here does not, so the chain is followed first, then Mail::DKIM asks.
{
    no warnings 'redefine';
    my $query = \&Mail::DKIM::DNS::query;
    *Mail::DKIM::DNS::query = sub {
        my ($name, $type) = @_;
        for (1 .. 8) {
            my $answer = $resolver->send($name, $type) or last;
            last if grep { lc $_->type eq lc $type } $answer->answer;
            my ($cname) = grep { $_->type eq 'CNAME' } $answer->answer or last;
            $name = $cname->cname;
        }
        return $query->($name, $type);
    };
}
my $verifier = Mail::DKIM::Verifier->new();
binmode STDIN;
while (my $line = <STDIN>) {
    $line =~ s/\r?\n\z/\r\n/;  # Mail::DKIM wants CRLF, as the message travelled
    $verifier->PRINT($line);
}
$verifier->CLOSE;
foreach my $sig ($verifier->signatures) {
    my $detail = $sig->result_detail // '';
    $detail =~ s/[\t\r\n]+/ /g;
    print join("\t", $sig->result, $sig->algorithm // '', $sig->domain // '', $sig->selector // '', $detail), "\n";
}
